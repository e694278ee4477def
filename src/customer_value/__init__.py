"""customer-value: customer value analysis (客户价值分析) for CRM, ERP and e-commerce data."""

__version__ = "0.1.0"
