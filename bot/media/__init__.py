"""File and ffmpeg edges: fonts, caption layout, Ken Burns frames, the renderer and its worker."""
