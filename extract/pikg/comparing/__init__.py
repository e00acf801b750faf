"""Comparing: tidy indicator tables, concept × region × year comparisons, quality statistics."""
