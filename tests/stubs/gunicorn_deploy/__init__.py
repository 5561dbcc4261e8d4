"""Serving a Flask app with Gunicorn: the app, its Gunicorn config and a bare WSGI callable."""
