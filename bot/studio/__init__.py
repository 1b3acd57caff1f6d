"""The core: models, ports, use cases, timeline. Imports no telegram, openai, moviepy or sqlite."""
