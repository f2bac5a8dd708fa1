"""The reference models' sources: each file one variant, written as users write them."""
