"""Path converters: a half year (h1 上期, h2 下期) and a central entry period (h1, h2, fy).
Anything else in the URL is a 404 before a view runs."""


class HalfConverter:
    regex = "h1|h2"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class EntryPeriodConverter(HalfConverter):
    regex = "h1|h2|fy"
