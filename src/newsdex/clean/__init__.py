"""Cleaning: raw document -> main text without site boilerplate (text and HTML paths)."""
