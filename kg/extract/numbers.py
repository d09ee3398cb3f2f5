"""Number words, the one table the extraction rules read ("two" -> 2).

Each rule takes the range it means (an agreement count is two to ten; "a two-day visit" two to
five) from this table instead of keeping its own copy.
"""
NUMBER_WORDS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                            "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen"])}
NUMBER_WORDS["twenty"] = 20


def number_words(low: int, high: int) -> dict[str, int]:
    """The words for ``low`` .. ``high``."""
    return {w: n for w, n in NUMBER_WORDS.items() if low <= n <= high}
