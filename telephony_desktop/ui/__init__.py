"""Qt widgets and models. Presents; never parses XML, never opens sockets."""
