"""The audit trail's pages: managers search who viewed or changed a customer's data, and export it."""
