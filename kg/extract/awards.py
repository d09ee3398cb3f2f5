def extract_awards(ctx, original, pub):
    return []
