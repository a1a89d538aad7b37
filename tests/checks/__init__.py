"""Check tests: frames built inline, findings flattened."""
