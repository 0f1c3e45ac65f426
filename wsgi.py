"""WSGI entry point: ``gunicorn wsgi:app``."""
from oncall.app import create_app

app = create_app()
