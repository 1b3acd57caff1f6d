"""The timeline Mini App: the bot's own web server, its initData check and its static page."""
