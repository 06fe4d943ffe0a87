LARGE_TEXT_COOKIE = "gk_large"


class LargeTextMiddleware:
    """长者模式: a cookie chosen by the reader, read on every page so the layout can scale up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.large_text = request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"
        return self.get_response(request)
