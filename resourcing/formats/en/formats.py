"""English dates as the site has always shown them: ISO 8601, unambiguous for readers across
Europe, Latin America, Africa and Asia-Pacific (Django's English formats would be US ones,
"Dec. 31, 2030", 12/31/2030). The other languages use Django's formats for their locale."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
