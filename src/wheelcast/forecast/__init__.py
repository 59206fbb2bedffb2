"""From requirements and targets to forecasts: selection, resolution, verdicts, explanations."""
