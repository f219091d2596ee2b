"""The drawing kit: the palette, generic views, fast redraws and the Panel."""
