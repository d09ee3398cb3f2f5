def extract_targets(ctx, original, pub):
    return []
