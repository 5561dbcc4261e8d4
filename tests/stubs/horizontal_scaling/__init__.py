"""Horizontal scaling: a stateless Flask app, a load balancer in front of it, and a Dockerfile."""
