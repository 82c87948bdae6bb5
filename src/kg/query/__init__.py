"""Running public SPARQL queries safely: inspected before they run (inspection), evaluated
by an engine that can be stopped (engines, child) and cut to the caps (caps)."""
