"""`make bench`: the driver is bench/__main__.py, the measurements inside Django bench/probe.py.

Not part of the application (not installed, never imported by it): run from the checkout.
"""

# gunicorn's address during the bench, and the host name of the probe's requests.
HOST = "127.0.0.1"
