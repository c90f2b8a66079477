"""Logging filters named in settings.LOGGING."""

import logging


class RefusedRequestFilter(logging.Filter):
    """A request refused for what the visitor sent (400): a warning, without a traceback.

    Django logs every SuspiciousOperation at ERROR with its traceback; for a filter lookup the
    admin does not allow (an edited changelist URL), that is the visitor's mistake, not the
    site's, and filled the error log at will.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = record.exc_text = record.stack_info = None
        return True
