"""loyalty points and network cashback

Revision ID: fe562b29a23c
Revises: febefa0566ff
Create Date: 2026-11-23 14:08:01.359764
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import o2o.orm

revision: str = 'fe562b29a23c'
down_revision: str | None = 'febefa0566ff'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cashback_participants',
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_cashback_participants_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('merchant_id', name=op.f('pk_cashback_participants'))
    )
    op.create_table('cashback_programmes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('funding', sa.Enum('merchant', 'operator', 'split', name='funding', native_enum=False, length=24), nullable=False),
    sa.Column('merchant_share_bp', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('merchant_share_bp BETWEEN 0 AND 10000', name=op.f('ck_cashback_programmes_share_range')),
    sa.CheckConstraint('rate_bp BETWEEN 0 AND 10000', name=op.f('ck_cashback_programmes_rate_range')),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_cashback_programmes_updated_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cashback_programmes'))
    )
    op.create_table('cashback_wallets',
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('pending', sa.BigInteger(), nullable=False),
    sa.Column('available', sa.BigInteger(), nullable=False),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('available >= 0', name=op.f('ck_cashback_wallets_available_not_negative')),
    sa.CheckConstraint('pending >= 0', name=op.f('ck_cashback_wallets_pending_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_cashback_wallets_customer_id_users')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_cashback_wallets'))
    )
    op.create_table('loyalty_accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('lifetime_spend', sa.BigInteger(), nullable=False),
    sa.Column('tier', sa.String(length=40), nullable=True),
    sa.Column('expiry_checked_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_loyalty_accounts_balance_not_negative')),
    sa.CheckConstraint('lifetime_spend >= 0', name=op.f('ck_loyalty_accounts_lifetime_spend_not_negative')),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_loyalty_accounts_customer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_loyalty_accounts_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_accounts')),
    sa.UniqueConstraint('merchant_id', 'customer_id', name=op.f('uq_loyalty_accounts_merchant_id_customer_id'))
    )
    with op.batch_alter_table('loyalty_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loyalty_accounts_customer_id'), ['customer_id'], unique=False)

    op.create_table('loyalty_programmes',
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('earn_dong_per_point', sa.BigInteger(), nullable=False),
    sa.Column('point_value', sa.BigInteger(), nullable=False),
    sa.Column('expiry_months', sa.Integer(), nullable=True),
    sa.Column('tiers', sa.JSON(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('earn_dong_per_point > 0', name=op.f('ck_loyalty_programmes_earn_rate_positive')),
    sa.CheckConstraint('expiry_months IS NULL OR expiry_months > 0', name=op.f('ck_loyalty_programmes_expiry_positive')),
    sa.CheckConstraint('point_value > 0', name=op.f('ck_loyalty_programmes_point_value_positive')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_loyalty_programmes_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_loyalty_programmes_updated_by_users')),
    sa.PrimaryKeyConstraint('merchant_id', name=op.f('pk_loyalty_programmes'))
    )
    op.create_table('cashback_earnings',
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('base', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('cancelled', sa.BigInteger(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('merchant_share_bp', sa.Integer(), nullable=False),
    sa.Column('available_at', o2o.orm.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('pending', 'credited', 'cancelled', name='earningstatus', native_enum=False, length=24), nullable=False),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('credited_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('cancelled >= 0 AND cancelled <= amount', name=op.f('ck_cashback_earnings_cancelled_range')),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_cashback_earnings_customer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_cashback_earnings_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_cashback_earnings_order_id_orders')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_cashback_earnings'))
    )
    with op.batch_alter_table('cashback_earnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cashback_earnings_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index('ix_cashback_earnings_due', ['status', 'available_at'], unique=False)

    op.create_table('cashback_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('earn', 'cancel', 'credit', 'spend', 'refund', name='cashbackkind', native_enum=False, length=24), nullable=False),
    sa.Column('pending_delta', sa.BigInteger(), nullable=False),
    sa.Column('available_delta', sa.BigInteger(), nullable=False),
    sa.Column('merchant_funded', sa.BigInteger(), nullable=False),
    sa.Column('operator_funded', sa.BigInteger(), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_cashback_entries_customer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_cashback_entries_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_cashback_entries_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cashback_entries')),
    sa.UniqueConstraint('customer_id', 'kind', 'reference', name=op.f('uq_cashback_entries_customer_id_kind_reference'))
    )
    with op.batch_alter_table('cashback_entries', schema=None) as batch_op:
        batch_op.create_index('ix_cashback_entries_created', ['created_at'], unique=False)
        batch_op.create_index('ix_cashback_entries_customer', ['customer_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cashback_entries_order_id'), ['order_id'], unique=False)

    op.create_table('loyalty_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.Enum('earn', 'spend', 'expire', 'reverse', 'refund', 'adjust', name='pointskind', native_enum=False, length=24), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('unrecovered', sa.Integer(), nullable=False),
    sa.Column('spend', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reference', sa.String(length=64), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['loyalty_accounts.id'], name=op.f('fk_loyalty_entries_account_id_loyalty_accounts')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_loyalty_entries_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_loyalty_entries_order_id_orders')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_loyalty_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_entries')),
    sa.UniqueConstraint('account_id', 'kind', 'reference', name=op.f('uq_loyalty_entries_account_id_kind_reference'))
    )
    with op.batch_alter_table('loyalty_entries', schema=None) as batch_op:
        batch_op.create_index('ix_loyalty_entries_account', ['account_id', 'id'], unique=False)
        batch_op.create_index('ix_loyalty_entries_expires_at', ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_loyalty_entries_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('checkouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('cashback', sa.BigInteger(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('checkouts', schema=None) as batch_op:
        batch_op.drop_column('cashback')
        batch_op.drop_column('points')

    with op.batch_alter_table('loyalty_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loyalty_entries_order_id'))
        batch_op.drop_index('ix_loyalty_entries_expires_at')
        batch_op.drop_index('ix_loyalty_entries_account')

    op.drop_table('loyalty_entries')
    with op.batch_alter_table('cashback_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cashback_entries_order_id'))
        batch_op.drop_index('ix_cashback_entries_customer')
        batch_op.drop_index('ix_cashback_entries_created')

    op.drop_table('cashback_entries')
    with op.batch_alter_table('cashback_earnings', schema=None) as batch_op:
        batch_op.drop_index('ix_cashback_earnings_due')
        batch_op.drop_index(batch_op.f('ix_cashback_earnings_customer_id'))

    op.drop_table('cashback_earnings')
    op.drop_table('loyalty_programmes')
    with op.batch_alter_table('loyalty_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loyalty_accounts_customer_id'))

    op.drop_table('loyalty_accounts')
    op.drop_table('cashback_wallets')
    op.drop_table('cashback_programmes')
    op.drop_table('cashback_participants')
