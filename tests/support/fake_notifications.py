#!/usr/bin/env python3
"""A stand-in for a desktop's notification service (the freedesktop.org Desktop
Notifications Specification, org.freedesktop.Notifications on the session bus), for the
end-to-end tests' private session: it writes each notification it is sent to LOG as one JSON
line, and "clicks" one when a file CLICK appears holding its id, by emitting ActionInvoked
with the spec's `default` action, as a desktop does when the notification itself is clicked;
or one of its buttons, when the file holds the id and that action's key.

    fake_notifications.py LOG CLICK
"""

import json
import os
import sys

from gi.repository import Gio, GLib

INTERFACE = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
  </interface>
</node>
"""
PATH = "/org/freedesktop/Notifications"
NAME = "org.freedesktop.Notifications"


def main(log, click):
    state = {"next": 1, "connection": None}

    def call(connection, sender, path, interface, method, params, invocation):
        if method == "Notify":
            (app, _replaces, _icon, summary, body, actions, _hints, _timeout) = params.unpack()
            number = state["next"]
            state["next"] += 1
            with open(log, "a") as out:
                line = {"id": number, "app": app, "summary": summary, "body": body,
                        "actions": actions}
                out.write(json.dumps(line) + "\n")
            invocation.return_value(GLib.Variant("(u)", (number,)))
        elif method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["actions", "body"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("fake", "grantry-tests", "1", "1.2")))
        else:
            invocation.return_value(None)

    def clicked():
        if os.path.exists(click):
            with open(click) as f:
                words = f.read().split()
            os.remove(click)
            number = int(words[0]) if words else 0
            action = words[1] if len(words) > 1 else "default"
            state["connection"].emit_signal(
                None, PATH, NAME, "ActionInvoked", GLib.Variant("(us)", (number, action)))
        return True

    def acquired(connection, _name):
        state["connection"] = connection
        node = Gio.DBusNodeInfo.new_for_xml(INTERFACE)
        connection.register_object(PATH, node.interfaces[0], call, None, None)

    def lost(_connection, _name):
        sys.exit("fake notifications: the name is taken")

    Gio.bus_own_name(Gio.BusType.SESSION, NAME, Gio.BusNameOwnerFlags.NONE,
                     acquired, None, lost)
    GLib.timeout_add(100, clicked)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
