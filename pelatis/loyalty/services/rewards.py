"""Taking a reward for points: the balance and the reward's stock are checked and moved under row locks."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..models import LedgerEntry, Reward
from .accounts import accounts_locked, balances_move, points_holder_id
from .ledger import InsufficientPoints


class RewardUnavailable(ValidationError):
    """The reward cannot be taken now (inactive, or none left); ``code`` says which. Nothing was written."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__({"reward_id": [ValidationError(message, code=code)]})
        self.code = code


@transaction.atomic
def reward_redeem(*, customer_id: int, reward_id: int, by: User | None) -> LedgerEntry:
    """Spend the reward's cost from the customer's balance and take one from its stock.

    Raises InsufficientPoints when the balance is short and RewardUnavailable when the reward is inactive
    or out of stock; in every failure nothing is written. The account is locked before the reward (always
    in that order, so two redemptions never deadlock), and the stock moves by one in SQL.
    """
    owner = points_holder_id(customer_id, field="customer_id")
    if not Reward.objects.filter(pk=reward_id).exists():
        raise ValidationError({"reward_id": [_("There is no reward %(id)s.") % {"id": reward_id}]})
    account = accounts_locked(customer_ids=[owner], create=False).get(owner)
    reward = Reward.objects.select_for_update().get(pk=reward_id)
    if not reward.active:
        raise RewardUnavailable(_("“%(name)s” is not offered now.") % {"name": reward.name}, code="inactive")
    if reward.stock is not None and reward.stock <= 0:
        raise RewardUnavailable(_("“%(name)s” is out of stock.") % {"name": reward.name}, code="out_of_stock")
    balance = account.balance if account is not None else 0
    if account is None or balance < reward.points_cost:
        raise InsufficientPoints(balance=balance, wanted=reward.points_cost)
    entry = LedgerEntry.objects.create(
        account=account,
        kind=LedgerEntry.Kind.REDEEM,
        points=-reward.points_cost,
        reward=reward,
        reason=reward.name[:500],
        by=by,
    )
    balances_move({account.pk: -reward.points_cost})
    if reward.stock is not None:
        Reward.objects.filter(pk=reward.pk).update(stock=F("stock") - 1)
    return entry
