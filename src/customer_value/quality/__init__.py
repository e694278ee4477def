"""quality stage."""

# record linkage: the same customer entered twice -> one master id
from customer_value.quality.linkage import LinkResult, link_customers

# value parsers: raw columns -> typed columns with a reason per unreadable row
from customer_value.quality.amounts import parse_amounts, parse_currency_codes, parse_quantities
from customer_value.quality.contacts import normalise_emails, normalise_names, normalise_phones
from customer_value.quality.dates import parse_datetimes
from customer_value.quality.ids import clean_ids
from customer_value.quality.missing import missing_mask, null_missing
from customer_value.quality.parsed import REASONS, ParsedColumn
from customer_value.quality.status import STATUS_LABELS, classify_status, refund_amounts_negative
