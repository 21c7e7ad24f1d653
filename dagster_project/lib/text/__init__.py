"""Vietnamese text, values, deadlines and targets as agencies write them."""
