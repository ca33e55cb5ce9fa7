"""Paper, annotator and annotation identifiers: normalisation and IRIs.

Every identifier is normalised before it becomes an IRI, so that two annotators who write
the same DOI or arXiv id differently still annotate the same paper node:

- DOIs are case-insensitive (DOI Handbook, section 2.4), so they are lower-cased, and
  ``doi:`` and resolver prefixes (``https://doi.org/``, ``http://dx.doi.org/``) are removed.
- arXiv ids lose the ``arXiv:`` prefix, abstract/PDF URL prefixes and the version suffix.
- ORCID iDs lose the ``https://orcid.org/`` prefix, are upper-cased (the check digit may be
  ``X``) and must pass the ISO 7064 MOD 11-2 checksum.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

ANNOTATION_BASE = "https://w3id.org/normspace/annotation/"
DOI_RESOLVER = "https://doi.org/"
ARXIV_ABS = "https://arxiv.org/abs/"
ORCID_RESOLVER = "https://orcid.org/"

DOI_PATTERN = re.compile(r"^10\.\d{4,9}(\.\d+)*/\S+$")
DOI_EXAMPLE = "10.1145/3630106.3658979"
ARXIV_NEW_PATTERN = re.compile(r"^\d{4}\.\d{4,5}$")
ARXIV_OLD_PATTERN = re.compile(r"^[a-z][a-z-]*(\.[A-Z]{2})?/\d{7}$")
ARXIV_EXAMPLE = "2203.02155"
ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ORCID_EXAMPLE = "0000-0002-1825-0097"

_DOI_PREFIXES = re.compile(r"^(doi:\s*|(https?://)?(dx\.)?doi\.org/)", re.IGNORECASE)
_ARXIV_PREFIXES = re.compile(
    r"^(arxiv:\s*|(https?://)?(www\.)?(export\.)?arxiv\.org/(abs|pdf)/)", re.IGNORECASE
)
_ARXIV_VERSION = re.compile(r"v\d+$")
_ORCID_PREFIXES = re.compile(r"^(orcid:\s*|(https?://)?(www\.)?orcid\.org/)", re.IGNORECASE)
#: Characters left unescaped in DOI resolver IRIs (RFC 3986 pchar and "/"), as doi.org does.
_DOI_IRI_SAFE = "/:@!$&'()*+,;=-._~"


class IdentifierError(ValueError):
    """An identifier is malformed; ``expected`` says what a valid one looks like."""

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.expected = expected


def normalise_doi(value: str) -> str:
    """Return the normalised DOI or raise :class:`IdentifierError`.

    >>> normalise_doi("https://doi.org/10.1145/3630106.3658979")
    '10.1145/3630106.3658979'
    >>> normalise_doi("doi:10.1007/S11023-020-09539-2")
    '10.1007/s11023-020-09539-2'
    >>> normalise_doi("3630106.3658979")
    Traceback (most recent call last):
    ...
    normspace.annotation.identifiers.IdentifierError: `3630106.3658979` is not a DOI
    """
    text = value.strip()
    doi = _DOI_PREFIXES.sub("", text)
    if text.lower().startswith(("http://", "https://")):  # resolver IRIs may be %-escaped
        doi = unquote(doi)
    doi = doi.lower()
    if not DOI_PATTERN.match(doi):
        raise IdentifierError(
            f"`{value}` is not a DOI",
            f"a DOI such as `{DOI_EXAMPLE}` (10.<registrant>/<suffix>, without resolver prefix)",
        )
    return doi


def doi_prefix(value: str) -> str | None:
    """The ``doi:`` or resolver prefix written before a DOI, if there is one.

    >>> doi_prefix("https://doi.org/10.1145/3449180"), doi_prefix("10.1145/3449180")
    ('https://doi.org/', None)
    """
    match = _DOI_PREFIXES.match(value.strip())
    return match.group(0) if match else None


def normalise_arxiv(value: str) -> str:
    """Return the arXiv id without prefix and version, or raise :class:`IdentifierError`.

    >>> normalise_arxiv("arXiv:2203.02155v3")
    '2203.02155'
    >>> normalise_arxiv("https://arxiv.org/pdf/2212.08073.pdf")
    '2212.08073'
    >>> normalise_arxiv("hep-th/9901001v1")
    'hep-th/9901001'
    """
    ident = _ARXIV_PREFIXES.sub("", value.strip())
    ident = ident.removesuffix(".pdf")
    ident = _ARXIV_VERSION.sub("", ident)
    if not (ARXIV_NEW_PATTERN.match(ident) or ARXIV_OLD_PATTERN.match(ident)):
        raise IdentifierError(
            f"`{value}` is not an arXiv identifier",
            f"an arXiv id such as `{ARXIV_EXAMPLE}` (YYMM.NNNNN) or `hep-th/9901001`",
        )
    return ident


_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)


def arxiv_id_of_doi(doi: str) -> str | None:
    """The arXiv id inside one of arXiv's own DataCite DOIs, else ``None``.

    >>> arxiv_id_of_doi("10.48550/arxiv.2402.05070"), arxiv_id_of_doi("10.1145/3449180")
    ('2402.05070', None)
    """
    match = _ARXIV_DOI.match(doi.strip())
    if not match:
        return None
    try:
        return normalise_arxiv(match.group(1))
    except IdentifierError:
        return None


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 check of an ORCID iD in ``dddd-dddd-dddd-dddX`` form.

    >>> orcid_checksum_ok("0000-0002-1825-0097"), orcid_checksum_ok("0000-0002-1825-0098")
    (True, False)
    """
    digits = orcid.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def normalise_orcid(value: str) -> str:
    """Return the bare ORCID iD or raise :class:`IdentifierError`.

    >>> normalise_orcid("https://orcid.org/0000-0002-1825-0097")
    '0000-0002-1825-0097'
    """
    orcid = _ORCID_PREFIXES.sub("", value.strip()).upper()
    expected = f"an ORCID iD such as `{ORCID_EXAMPLE}` (16 digits in groups of four)"
    if not ORCID_PATTERN.match(orcid):
        raise IdentifierError(f"`{value}` is not an ORCID iD", expected)
    if not orcid_checksum_ok(orcid):
        raise IdentifierError(f"`{value}` fails the ORCID checksum (mistyped digit?)", expected)
    return orcid


#: An absolute http(s) URL that is also a valid IRI (no spaces, no ``<>"{}|\\^```): the
#: reader checks it with :func:`is_web_url`, and the JSON Schema publishes the same pattern.
WEB_URL_PATTERN = re.compile(r'^https?://[^\s<>"{}|\\^`/]+[^\s<>"{}|\\^`]*$')


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL that can stand as an RDF IRI.

    >>> urls = ("https://arxiv.org/abs/2203.02155", "arxiv.org/abs/1", "https://a b")
    >>> [is_web_url(u) for u in urls]
    [True, False, False]
    """
    return WEB_URL_PATTERN.match(value) is not None


def doi_iri(doi: str) -> str:
    """Resolver IRI of a normalised DOI, escaping characters that are not allowed in IRIs.

    >>> doi_iri("10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-o")
    'https://doi.org/10.1002/(sici)1097-4571(199806)49:8%3C693::aid-asi4%3E3.0.co;2-o'
    """
    return DOI_RESOLVER + quote(doi, safe=_DOI_IRI_SAFE)


def arxiv_iri(arxiv_id: str) -> str:
    return ARXIV_ABS + arxiv_id


def orcid_iri(orcid: str) -> str:
    return ORCID_RESOLVER + orcid


def paper_iri(doi: str | None, arxiv_id: str | None) -> str:
    """The paper IRI: the DOI resolver IRI if there is a DOI, else the arXiv abstract IRI.

    >>> paper_iri(None, "2203.02155")
    'https://arxiv.org/abs/2203.02155'
    """
    if doi:
        return doi_iri(doi)
    if arxiv_id:
        return arxiv_iri(arxiv_id)
    raise ValueError("a paper needs a DOI or an arXiv id")


def paper_key(doi: str | None, arxiv_id: str | None) -> str:
    """Path segment(s) naming the paper inside annotation IRIs.

    >>> paper_key("10.1145/3630106.3658979", "2406.07814")
    'doi/10.1145/3630106.3658979'
    >>> paper_key(None, "2203.02155")
    'arxiv/2203.02155'
    """
    if doi:
        return "doi/" + quote(doi, safe=_DOI_IRI_SAFE)
    if arxiv_id:
        return "arxiv/" + arxiv_id
    raise ValueError("a paper needs a DOI or an arXiv id")


def slugify(text: str) -> str:
    """Lower-case ASCII slug of a name: accents dropped, other characters become hyphens.

    >>> slugify("Paul Röttger")
    'paul-rottger'
    >>> slugify("  danah boyd ")
    'danah-boyd'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


#: Annotator key used when a file names no annotator (the file is then invalid anyway).
UNATTRIBUTED = "unattributed"


def annotator_key(name: str | None, orcid: str | None) -> str:
    """The ORCID iD if given, else the slug of the annotator's name.

    >>> annotator_key("Jane Doe", None), annotator_key("Jane Doe", "0000-0002-1825-0097")
    ('jane-doe', '0000-0002-1825-0097')
    """
    if orcid:
        return orcid
    return slugify(name or "") or UNATTRIBUTED


def annotation_iri(doi: str | None, arxiv_id: str | None, annotator: str) -> str:
    """Deterministic annotation IRI from the paper and the annotator key.

    >>> annotation_iri(None, "2203.02155", "jane-doe")
    'https://w3id.org/normspace/annotation/arxiv/2203.02155/jane-doe'
    """
    return f"{ANNOTATION_BASE}{paper_key(doi, arxiv_id)}/{annotator}"


def suggested_filename(doi: str | None, arxiv_id: str | None, annotator: str | None) -> str:
    """File name for one paper+annotator file (``/`` and other awkward characters replaced).

    >>> suggested_filename("10.1145/3449180", None, "jane-doe")
    'doi-10.1145-3449180--jane-doe.yaml'
    >>> suggested_filename(None, "2203.02155", None)
    'arxiv-2203.02155.yaml'
    """
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", paper_key(doi, arxiv_id)).strip("-")
    if annotator and annotator != UNATTRIBUTED:
        stem += "--" + annotator
    return stem + ".yaml"
