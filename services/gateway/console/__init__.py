"""The web console: server-rendered pages for staff, donors and the public, on the gateway's RPCs, area by area."""
