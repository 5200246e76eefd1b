"""Every write to the loyalty ledger, by subject: ledger (redeem, adjust, check, merge), orders (earning and
reversing), expiry. Each locks the account rows it changes and moves the cached balance with the entry."""
