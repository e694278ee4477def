"""quality stage."""

# record linkage: the same customer entered twice -> one master id
from customer_value.quality.linkage import LinkResult, link_customers
