"""One module per brochure section, each turning the event model into flowables."""
