"""Edges that implement the studio's ports: offline, OpenAI, Runway; prompt and style files."""
