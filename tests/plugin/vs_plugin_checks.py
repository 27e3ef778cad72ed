"""Checks that need the decoders: differential test against the built-in
dissectors, hand-back preferences, statistics. See vs_plugin_test.py."""

SKIP = 77


def cmd_diff(ts, args):
    print("SKIP: no decoder wired into the plugin yet")
    return SKIP


def cmd_handback(ts, args):
    print("SKIP: no decoder wired into the plugin yet")
    return SKIP


def cmd_stats(ts, args):
    print("SKIP: no decoder wired into the plugin yet")
    return SKIP


COMMANDS = {"diff": cmd_diff, "handback": cmd_handback, "stats": cmd_stats}
