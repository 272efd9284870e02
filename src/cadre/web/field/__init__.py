"""Field service: the journal of what happens to each worker in the field, exits included."""
