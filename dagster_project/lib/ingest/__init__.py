"""Reading submitted files against their contracts and landing them."""
