def extract_agreements(ctx, original, pub):
    return []
