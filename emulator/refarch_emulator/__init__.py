"""The embedded AWS emulator of refarch.aws: moto server, our extensions, an API-call record.

This package never imports the collection, and the collection never imports it: playbooks only
see the endpoint URL it serves.
"""

STATUS_PATH = "/refarch-emulator/status"
