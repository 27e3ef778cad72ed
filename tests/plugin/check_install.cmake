# cmake --install with a prefix and with the default (personal) layout, into
# scratch folders; checks the plugin and the profile land where documented.
set(tmp ${BUILD}/install-check)
file(REMOVE_RECURSE ${tmp})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${tmp}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install --prefix failed: ${rc}")
endif()
foreach(f lib/wireshark/plugins/4.0/epan/vpnscope.so
          share/vpnscope/wireshark/profiles/vpnscope/preferences
          share/vpnscope/wireshark/profiles/vpnscope/colorfilters)
  if(NOT EXISTS ${tmp}/prefix/${f})
    message(FATAL_ERROR "prefix install lacks ${f}")
  endif()
endforeach()
# Personal layout: forced, with HOME pointing at a scratch folder.
execute_process(COMMAND ${CMAKE_COMMAND} -E env HOME=${tmp}/home --unset=XDG_CONFIG_HOME
                        ${CMAKE_COMMAND} -DVS_WIRESHARK_INSTALL=PERSONAL ${BUILD}
                RESULT_VARIABLE rc OUTPUT_QUIET)
execute_process(COMMAND ${CMAKE_COMMAND} -E env HOME=${tmp}/home --unset=XDG_CONFIG_HOME
                        ${CMAKE_COMMAND} --install ${BUILD}
                RESULT_VARIABLE rc2 OUTPUT_QUIET)
execute_process(COMMAND ${CMAKE_COMMAND} -DVS_WIRESHARK_INSTALL=AUTO ${BUILD} OUTPUT_QUIET)
if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0)
  message(FATAL_ERROR "personal install failed: ${rc} ${rc2}")
endif()
foreach(f .local/lib/wireshark/plugins/4.0/epan/vpnscope.so
          .config/wireshark/profiles/vpnscope/preferences
          .config/wireshark/profiles/vpnscope/colorfilters)
  if(NOT EXISTS ${tmp}/home/${f})
    message(FATAL_ERROR "personal install lacks ~/${f}")
  endif()
endforeach()
file(REMOVE_RECURSE ${tmp})
message(STATUS "install layout ok")
