#!/usr/bin/env python3
"""A stand-in for a desktop's system tray (a StatusNotifierWatcher with a host, as a panel
provides, org.kde.StatusNotifierWatcher on the session bus), for the end-to-end tests' private
session. It writes each item that registers to LOG as one JSON line ({"service", "sender"}), and
works the registered item's menu (com.canonical.dbusmenu) as a person would: when a file ASK
appears holding `menu`, it writes the menu's labels, one per line, to ASK + ".out"; holding
`click LABEL`, it clicks the entry of that label and writes `clicked` there.

    fake_tray.py LOG ASK
"""

import json
import os
import sys

from gi.repository import Gio, GLib

INTERFACE = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""
PATH = "/StatusNotifierWatcher"
NAME = "org.kde.StatusNotifierWatcher"


def main(log, ask):
    state = {"items": [], "connection": None}

    def call(connection, sender, path, interface, method, params, invocation):
        if method == "RegisterStatusNotifierItem":
            (service,) = params.unpack()
            # An item names its object path (libappindicator) or its bus name.
            if service.startswith("/"):
                item = (sender, service)
            else:
                item = (service, "/StatusNotifierItem")
            state["items"].append(item)
            with open(log, "a") as out:
                out.write(json.dumps({"service": service, "sender": sender}) + "\n")
            connection.emit_signal(None, PATH, NAME, "StatusNotifierItemRegistered",
                                   GLib.Variant("(s)", ("%s%s" % item,)))
        invocation.return_value(None)

    def get_property(connection, sender, path, interface, name):
        if name == "RegisteredStatusNotifierItems":
            return GLib.Variant("as", ["%s%s" % item for item in state["items"]])
        if name == "IsStatusNotifierHostRegistered":
            return GLib.Variant("b", True)
        return GLib.Variant("i", 0)

    def menu_of(item):
        bus, path = item
        reply = state["connection"].call_sync(
            bus, path, "org.freedesktop.DBus.Properties", "Get",
            GLib.Variant("(ss)", ("org.kde.StatusNotifierItem", "Menu")),
            GLib.VariantType("(v)"), Gio.DBusCallFlags.NONE, 5000, None)
        return bus, reply.unpack()[0]

    def entries(bus, menu):
        reply = state["connection"].call_sync(
            bus, menu, "com.canonical.dbusmenu", "GetLayout",
            GLib.Variant("(iias)", (0, -1, [])),
            GLib.VariantType("(u(ia{sv}av))"), Gio.DBusCallFlags.NONE, 5000, None)
        found = []

        def walk(node):
            (number, props, children) = node
            label = props.get("label")
            if label is not None and props.get("visible", True):
                found.append((number, label.replace("_", ""), props.get("enabled", True)))
            for child in children:
                walk(child)

        walk(reply.unpack()[1])
        return found

    def asked():
        if not os.path.exists(ask):
            return True
        with open(ask) as f:
            request = f.read().strip()
        os.remove(ask)
        try:
            if not state["items"]:
                answer = "error: no item registered"
            else:
                bus, menu = menu_of(state["items"][-1])
                found = entries(bus, menu)
                if request == "menu":
                    answer = "\n".join(label for (_, label, _) in found)
                elif request.startswith("click "):
                    wanted = request[len("click "):]
                    numbers = [n for (n, label, _) in found if label == wanted]
                    if not numbers:
                        answer = "error: no entry %r in %r" % (wanted, [l for (_, l, _) in found])
                    else:
                        state["connection"].call_sync(
                            bus, menu, "com.canonical.dbusmenu", "Event",
                            GLib.Variant("(isvu)", (numbers[0], "clicked",
                                                    GLib.Variant("i", 0), 0)),
                            None, Gio.DBusCallFlags.NONE, 5000, None)
                        answer = "clicked"
                else:
                    answer = "error: unknown request %r" % request
        except GLib.Error as error:
            answer = "error: %s" % error.message
        with open(ask + ".partial", "w") as out:
            out.write(answer + "\n")
        os.rename(ask + ".partial", ask + ".out")
        return True

    def acquired(connection, _name):
        state["connection"] = connection
        node = Gio.DBusNodeInfo.new_for_xml(INTERFACE)
        connection.register_object(PATH, node.interfaces[0], call, get_property, None)

    def lost(_connection, _name):
        sys.exit("fake tray: the name is taken")

    Gio.bus_own_name(Gio.BusType.SESSION, NAME, Gio.BusNameOwnerFlags.NONE,
                     acquired, None, lost)
    GLib.timeout_add(100, asked)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
