"""payments

Revision ID: 931268ec6010
Revises: b589f9aa50dc
Create Date: 2026-11-23 13:43:22.772325
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import o2o.orm

revision: str = '931268ec6010'
down_revision: str | None = 'b589f9aa50dc'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('payment_accounts',
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bank_bin', sa.String(length=6), nullable=False),
    sa.Column('account_number', sa.String(length=19), nullable=False),
    sa.Column('account_name', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_payment_accounts_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('merchant_id', name=op.f('pk_payment_accounts'))
    )
    op.create_table('payment_intents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('method', sa.Enum('vietqr', 'card', 'wallet', 'cash', 'instalment', name='method', native_enum=False, length=24), nullable=False),
    sa.Column('status', sa.Enum('pending', 'challenge_required', 'authorized', 'captured', 'failed', 'cancelled', 'expired', name='paymentstatus', native_enum=False, length=24), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('captured', sa.BigInteger(), nullable=False),
    sa.Column('refunded', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=25), nullable=False),
    sa.Column('provider_ref', sa.String(length=64), nullable=True),
    sa.Column('card_brand', sa.String(length=12), nullable=True),
    sa.Column('card_last4', sa.String(length=4), nullable=True),
    sa.Column('challenge_id', sa.String(length=64), nullable=True),
    sa.Column('otp_attempts_left', sa.Integer(), nullable=False),
    sa.Column('instalment_months', sa.Integer(), nullable=True),
    sa.Column('merchant_fee', sa.BigInteger(), nullable=False),
    sa.Column('tendered', sa.BigInteger(), nullable=True),
    sa.Column('review', sa.String(length=200), nullable=True),
    sa.Column('location_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('expires_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payment_intents_amount_positive')),
    sa.CheckConstraint('captured >= 0 AND captured <= amount', name=op.f('ck_payment_intents_captured_range')),
    sa.CheckConstraint('refunded >= 0 AND refunded <= captured', name=op.f('ck_payment_intents_refunded_range')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_payment_intents_created_by_users')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_payment_intents_location_id_locations')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_payment_intents_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_payment_intents_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_intents')),
    sa.UniqueConstraint('reference', name=op.f('uq_payment_intents_reference'))
    )
    with op.batch_alter_table('payment_intents', schema=None) as batch_op:
        batch_op.create_index('ix_payment_intents_merchant_created', ['merchant_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_intents_order_id'), ['order_id'], unique=False)

    op.create_table('payment_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('intent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('provider_event_id', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['intent_id'], ['payment_intents.id'], name=op.f('fk_payment_events_intent_id_payment_intents')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_payment_events_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_events'))
    )
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_events_intent_id'), ['intent_id'], unique=False)
        batch_op.create_index('ix_payment_events_merchant_created', ['merchant_id', 'created_at'], unique=False)
        batch_op.create_index('ix_payment_events_provider_event', ['provider', 'provider_event_id'], unique=True)

    op.create_table('refunds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('intent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('return_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('method', sa.Enum('vietqr', 'card', 'wallet', 'cash', 'instalment', name='method', native_enum=False, length=24), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_refunds_created_by_users')),
    sa.ForeignKeyConstraint(['intent_id'], ['payment_intents.id'], name=op.f('fk_refunds_intent_id_payment_intents')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_refunds_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_refunds_order_id_orders')),
    sa.ForeignKeyConstraint(['return_id'], ['order_returns.id'], name=op.f('fk_refunds_return_id_order_returns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_intent_id'), ['intent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_refunds_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paid', sa.BigInteger(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('paid')

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_order_id'))
        batch_op.drop_index(batch_op.f('ix_refunds_intent_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_events_provider_event')
        batch_op.drop_index('ix_payment_events_merchant_created')
        batch_op.drop_index(batch_op.f('ix_payment_events_intent_id'))

    op.drop_table('payment_events')
    with op.batch_alter_table('payment_intents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_intents_order_id'))
        batch_op.drop_index('ix_payment_intents_merchant_created')

    op.drop_table('payment_intents')
    op.drop_table('payment_accounts')
