"""The export layouts of the systems businesses move from, recognised by their headers.

Shopify, WooCommerce, Odoo, HubSpot and Mailchimp write customer (and, for the shops, order)
exports with public, fixed headers. When a file's headers are one of these layouts, the
platform's own meaning of each header wins over the generic aliases (Shopify's order "Name" is
the order number, not a product), consent columns get the platform as their source, and order
exports that write the order's fields on its first line only are filled down. Any other column
stays unknown, for the user to map in the preview.

The layouts followed (header names as the platforms write them):

* Shopify customers (``customers_export.csv``, old and current layout) and orders
  (``orders_export.csv``: one row per line item; order fields on the first row).
* WooCommerce: the Customer/Order/Coupon CSV Export extension (``billing_*`` columns, one row
  per order item) and the Analytics → Customers download.
* Odoo: Contacts (res.partner) and Sales Orders exported with field labels or, "import-compatible",
  with technical names (``order_line/product_id``); order lines after the first have empty
  order fields.
* HubSpot: the contacts export (Record ID, Contact owner, Lifecycle Stage…).
* Mailchimp: the audience export (subscribed, unsubscribed or cleaned members).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .columns import header_key


@dataclass(frozen=True)
class Platform:
    name: str  # stored on the job and used as the consent source
    label: str
    kind: str  # "customers" or "orders"
    signatures: tuple[frozenset[str], ...]  # header keys that must all be present (any one set)
    columns: dict[str, str]  # header → field ("" leaves the column out)
    fill_down: bool = False  # order fields given on an order's first line only
    defaults: dict[str, str] = field(default_factory=dict)  # field → value when no column gives it
    packed_address: str = ""  # a header holding the whole address, parts separated by two spaces

    def overrides(self) -> dict[str, str]:
        return {header_key(h): f for h, f in self.columns.items()}


def _sig(*headers: str) -> frozenset[str]:
    return frozenset(header_key(h) for h in headers)


_SHOPIFY_CUSTOMERS = Platform(
    "shopify",
    "Shopify",
    "customers",
    (
        _sig("First Name", "Last Name", "Email", "Accepts Email Marketing", "Default Address Address1"),
        _sig("First Name", "Last Name", "Email", "Accepts Marketing", "Address1", "Total Orders"),
    ),
    {
        "Customer ID": "external_ref",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Accepts Email Marketing": "email_consent",
        "Accepts Marketing": "email_consent",
        "Accepts SMS Marketing": "sms_consent",
        "Default Address Company": "company",
        "Company": "company",
        "Default Address Address1": "address",
        "Address1": "address",
        "Default Address Address2": "address2",
        "Address2": "address2",
        "Default Address City": "city",
        "City": "city",
        "Default Address Province Code": "region",
        "Province": "region",
        "Province Code": "",
        "Default Address Country Code": "country",
        "Country Code": "country",
        "Country": "",
        "Default Address Zip": "postcode",
        "Zip": "postcode",
        "Default Address Phone": "phone",
        "Phone": "phone",
        "Note": "notes",
        "Tags": "tags",
    },
)

_SHOPIFY_ORDERS = Platform(
    "shopify",
    "Shopify",
    "orders",
    (_sig("Name", "Email", "Financial Status", "Lineitem name"),),
    {
        "Name": "reference",
        "Email": "email",
        "Phone": "phone",
        "Created at": "placed_at",
        "Financial Status": "status",
        "Currency": "currency",
        "Lineitem name": "product",
        "Lineitem sku": "sku",
        "Lineitem quantity": "quantity",
        "Lineitem price": "unit_price",
        "Source": "channel",
        "Subtotal": "",
        "Total": "",
        "Id": "",
        "Tags": "",
        "Notes": "",
        "Vendor": "",
    },
    fill_down=True,
)

_WOO_CUSTOMERS = Platform(
    "woocommerce",
    "WooCommerce",
    "customers",
    (
        _sig("customer_id", "billing_email", "billing_address_1"),
        _sig("Name", "Username", "Last active", "Email", "Total spend"),
    ),
    {
        "customer_id": "external_ref",
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "billing_first_name": "",
        "billing_last_name": "",
        "billing_email": "email",
        "billing_company": "company",
        "billing_phone": "phone",
        "billing_address_1": "address",
        "billing_address_2": "address2",
        "billing_postcode": "postcode",
        "billing_city": "city",
        "billing_state": "region",
        "billing_state_code": "",
        "billing_country": "country",
        "user_login": "",
        "date_registered": "",
        "Name": "full_name",
        "Username": "",
        "Email": "email",
        "Country / Region": "country",
        "City": "city",
        "Region": "region",
        "Postal code": "postcode",
    },
)

_WOO_ORDERS = Platform(
    "woocommerce",
    "WooCommerce",
    "orders",
    (
        _sig("order_id", "order_date", "billing_email", "item_name"),
        _sig("Order Number", "Order Date", "Email (Billing)", "Item Name"),
    ),
    {
        "order_id": "",
        "order_number": "reference",
        "order_number_formatted": "",
        "order_date": "placed_at",
        "status": "status",
        "order_currency": "currency",
        "customer_id": "customer_ref",
        "billing_email": "email",
        "billing_phone": "phone",
        "item_name": "product",
        "item_sku": "sku",
        "item_quantity": "quantity",
        "item_total": "line_total",
        "item_subtotal": "",
        "order_total": "",
        "shipping_total": "",
        "Order Number": "reference",
        "Order Status": "status",
        "Order Date": "placed_at",
        "Email (Billing)": "email",
        "Phone (Billing)": "phone",
        "Item Name": "product",
        "SKU": "sku",
        "Quantity": "quantity",
        "Item Cost": "unit_price",
        "Order Total Amount": "",
        "Currency": "currency",
    },
)

_ODOO_CUSTOMERS = Platform(
    "odoo",
    "Odoo",
    "customers",
    (_sig("Name", "Is a Company"), _sig("name", "is_company")),
    {
        "ID": "external_ref",
        "id": "external_ref",
        "Internal Reference": "",
        "ref": "",
        "Name": "full_name",
        "name": "full_name",
        "Display Name": "",
        "Is a Company": "kind",
        "is_company": "kind",
        "Company Name": "company",
        "company_name": "company",
        "Related Company": "company",
        "parent_id": "company",
        "Street": "address",
        "street": "address",
        "Street2": "address2",
        "street2": "address2",
        "City": "city",
        "city": "city",
        "State": "region",
        "state_id": "region",
        "Zip": "postcode",
        "zip": "postcode",
        "Country": "country",
        "country_id": "country",
        "Email": "email",
        "email": "email",
        "Phone": "phone",
        "phone": "phone",
        "Mobile": "phone",
        "mobile": "phone",
        "Tags": "tags",
        "category_id": "tags",
        "Job Position": "job_title",
        "function": "job_title",
        "Tax ID": "vat",
        "vat": "vat",
        "Notes": "notes",
        "comment": "notes",
        "Language": "language",
        "lang": "language",
        "Timezone": "time_zone",
        "tz": "time_zone",
        "Title": "title",
        "title": "title",
    },
)

_ODOO_ORDERS = Platform(
    "odoo",
    "Odoo",
    "orders",
    (_sig("Order Reference", "Order Lines/Product"), _sig("name", "order_line/product_id")),
    {
        "Order Reference": "reference",
        "name": "reference",
        "Order Date": "placed_at",
        "date_order": "placed_at",
        "Customer": "",
        "partner_id": "",
        "Customer/ID": "customer_ref",
        "partner_id/id": "customer_ref",
        "Customer/Email": "email",
        "partner_id/email": "email",
        "Currency": "currency",
        "currency_id": "currency",
        "Status": "status",
        "state": "status",
        "Order Lines/Product": "product",
        "order_line/product_id": "product",
        "Order Lines/Quantity": "quantity",
        "order_line/product_uom_qty": "quantity",
        "Order Lines/Unit Price": "unit_price",
        "order_line/price_unit": "unit_price",
        "Order Lines/Subtotal": "",
        "order_line/price_subtotal": "",
        "Total": "",
        "amount_total": "",
        "Salesperson": "",
        "user_id": "",
    },
    fill_down=True,
)

_HUBSPOT_CUSTOMERS = Platform(
    "hubspot",
    "HubSpot",
    "customers",
    (
        _sig("Record ID", "First Name", "Last Name", "Email", "Contact owner"),
        _sig("Record ID", "First Name", "Last Name", "Email", "Lifecycle Stage"),
    ),
    {
        "Record ID": "external_ref",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Phone Number": "phone",
        "Mobile Phone Number": "phone",
        "Company Name": "company",
        "Job Title": "job_title",
        "Street Address": "address",
        "City": "city",
        "State/Region": "region",
        "Postal Code": "postcode",
        "Country/Region": "country",
        "Time Zone": "time_zone",
        "Preferred language": "language",
        "Unsubscribed from all email": "unsubscribed",
        "Legal basis for processing contact's data": "email_consent",
        "Associated Company": "company",
    },
)

_MAILCHIMP_CUSTOMERS = Platform(
    "mailchimp",
    "Mailchimp",
    "customers",
    (_sig("Email Address", "MEMBER_RATING"), _sig("Email Address", "OPTIN_TIME", "LEID")),
    {
        "Email Address": "email",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Phone Number": "phone",
        "Address": "",
        "Birthday": "",
        "MEMBER_RATING": "",
        "OPTIN_TIME": "consent_date",
        "OPTIN_IP": "",
        "CONFIRM_TIME": "consent_date",
        "CONFIRM_IP": "",
        "LATITUDE": "",
        "LONGITUDE": "",
        "GMTOFF": "",
        "DSTOFF": "",
        "TIMEZONE": "time_zone",
        "CC": "country",
        "REGION": "",
        "LAST_CHANGED": "",
        "LEID": "",
        "EUID": "",
        "NOTES": "notes",
        "TAGS": "tags",
        "UNSUB_TIME": "unsubscribed_at",
        "UNSUB_CAMPAIGN_TITLE": "",
        "UNSUB_CAMPAIGN_ID": "",
        "UNSUB_REASON": "",
        "UNSUB_REASON_OTHER": "",
        "CLEAN_TIME": "",
        "CLEAN_CAMPAIGN_TITLE": "",
        "CLEAN_CAMPAIGN_ID": "",
    },
    defaults={"email_consent": "yes"},  # an audience export lists subscribed members unless it says otherwise
    packed_address="Address",
)

PLATFORMS = (
    _SHOPIFY_CUSTOMERS,
    _SHOPIFY_ORDERS,
    _WOO_CUSTOMERS,
    _WOO_ORDERS,
    _ODOO_CUSTOMERS,
    _ODOO_ORDERS,
    _HUBSPOT_CUSTOMERS,
    _MAILCHIMP_CUSTOMERS,
)

LABELS = {
    "shopify": "Shopify",
    "woocommerce": "WooCommerce",
    "odoo": "Odoo",
    "hubspot": "HubSpot",
    "mailchimp": "Mailchimp",
    "": _("A spreadsheet"),
}


def platform_detect(headers: list[str], kind: str) -> Platform | None:
    """The platform whose export layout the headers are, for this kind of import."""
    keys = {header_key(h) for h in headers if h}
    for platform in PLATFORMS:
        if platform.kind == kind and any(sig <= keys for sig in platform.signatures):
            return platform
    return None


def platform_named(name: str, kind: str) -> Platform | None:
    return next((p for p in PLATFORMS if p.name == name and p.kind == kind), None)
