"""Rules of the organizations app, as plain functions. Pages and the API call these."""
