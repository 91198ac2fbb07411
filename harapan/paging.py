"""Pages of the long lists: previous, a window of numbered pages, next, and the total.

Two ways to cut a list into pages, one set of links (`pager.html`):
- `paginate`: Django's Paginator (COUNT, then LIMIT/OFFSET) for lists of
  hundreds or a few thousand rows;
- `keyset_page`: the family lists, which hold hundreds of thousands of
  families nationally. Previous and next move by the key of the first or last
  row shown (`?before=`/`?after=`), so that browsing stays one index range
  scan however deep the page.

Links keep the list's other GET parameters (its filters).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from math import ceil

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PAGE = "halaman"
AFTER, BEFORE = "after", "before"
WINDOW = 2  # numbered pages shown on each side of the current one


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: the gap "…"
    query: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pager:
    """What `pager.html` shows; a `query` is the encoded query string of a link."""

    number: int
    num_pages: int
    total: int
    previous_query: str | None
    next_query: str | None
    links: list[PageLink]


def page_window(number: int, num_pages: int, width: int = WINDOW) -> list[int | None]:
    """1 … 4 5 [6] 7 8 … 20: the first and last page, `width` pages either side of `number`,
    None where pages are left out. A gap of a single page shows that page instead of "…"."""
    shown = sorted(
        n for n in {1, num_pages, *range(number - width, number + width + 1)} if 1 <= n <= num_pages
    )
    window: list[int | None] = []
    previous = 0
    for n in shown:
        if n - previous == 2:
            window.append(n - 1)
        elif n - previous > 2:
            window.append(None)
        window.append(n)
        previous = n
    return window


def query_with(params: QueryDict, **changes: str | int | None) -> str:
    """`params` without any page position, then `changes` (None leaves a key out), encoded."""
    query = params.copy()
    for key in (PAGE, AFTER, BEFORE):
        query.pop(key, None)
    for key, value in changes.items():
        if value is not None:
            query[key] = str(value)
    return query.urlencode()


def numbered_query(params: QueryDict, number: int) -> str:
    """The link to page `number` by its number; page 1 is the list without a page parameter."""
    return query_with(params, **{PAGE: number if number > 1 else None})


def pager(
    params: QueryDict,
    number: int,
    num_pages: int,
    total: int,
    *,
    previous_query: str | None,
    next_query: str | None,
) -> Pager:
    links = [
        PageLink(n, numbered_query(params, n), n == number) if n else PageLink(None)
        for n in page_window(number, num_pages)
    ]
    return Pager(number, num_pages, total, previous_query, next_query, links)


def paginate(request: HttpRequest, rows, size: int) -> tuple[Page, Pager]:
    """The Paginator page of `?halaman=` (the last when past it, the first when not a number)."""
    page = Paginator(rows, size).get_page(request.GET.get(PAGE))
    params, number = request.GET, page.number
    links = pager(
        params,
        number,
        page.paginator.num_pages,
        page.paginator.count,
        previous_query=numbered_query(params, number - 1) if page.has_previous() else None,
        next_query=numbered_query(params, number + 1) if page.has_next() else None,
    )
    return page, links


def requested_number(params: Mapping) -> int:
    """`?halaman=` as a page number, 1 when missing or not a positive whole number."""
    try:
        return max(1, int(params.get(PAGE, "")))
    except ValueError:
        return 1


def keyset_page(
    rows: QuerySet, key: str, params: QueryDict, total: int, size: int
) -> tuple[list, Pager]:
    """One page of `rows` ordered by the unique column `key`, and its links.

    `total` is the count of `rows`, which the list shows anyway. Previous and next
    carry a cursor (`before`/`after` the key of the first/last row shown) and the
    page number, which only labels the page: the cursor decides the rows.

    A numbered link without a cursor (`?halaman=N`) is read with OFFSET. A cursor
    for page N would need the key of its first row, which only a scan past the
    N-1 pages before it finds: OFFSET over the key's index is that scan, done
    once when someone jumps, and previous/next from there are keyset again.
    """
    num_pages = max(1, ceil(total / size))
    number = min(requested_number(params), num_pages)
    after, before = params.get(AFTER, ""), params.get(BEFORE, "")
    ordered = rows.order_by(key)
    if before:
        # The `size` rows just before the cursor, read backwards, plus one to know if more precede.
        found = list(rows.filter(**{f"{key}__lt": before}).order_by(f"-{key}")[: size + 1])
        has_previous, has_next = len(found) > size, True
        page = found[:size][::-1]
    else:
        if after:
            found = list(ordered.filter(**{f"{key}__gt": after})[: size + 1])
        else:
            found = list(ordered[(number - 1) * size : number * size + 1])
        has_previous, has_next = bool(after) or number > 1, len(found) > size
        page = found[:size]
    first, last = (getattr(page[0], key), getattr(page[-1], key)) if page else (None, None)
    links = cursor_pager(params, number, num_pages, total, has_previous, has_next, first, last)
    return page, links


def cursor_pager(
    params: QueryDict,
    number: int,
    num_pages: int,
    total: int,
    has_previous: bool,
    has_next: bool,
    first,
    last,
) -> Pager:
    """The links of a page read by cursor: previous `before` its first row's key, next
    `after` its last one's, and the numbered window (pages by number, read with OFFSET)."""
    # The number is carried in the link; at either end the rows themselves say where we are.
    if not has_previous:
        number = 1
    elif not has_next:
        number = num_pages
    else:
        number = max(2, min(number, num_pages - 1))
    previous_query = next_query = None
    if has_previous and first is not None:
        if number == 2:
            previous_query = numbered_query(params, 1)  # the first page has no cursor
        else:
            previous_query = query_with(params, **{BEFORE: first, PAGE: number - 1})
    if has_next and last is not None:
        next_query = query_with(params, **{AFTER: last, PAGE: number + 1})
    return pager(
        params, number, num_pages, total, previous_query=previous_query, next_query=next_query
    )
