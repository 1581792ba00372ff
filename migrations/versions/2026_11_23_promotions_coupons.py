"""promotions coupons

Revision ID: febefa0566ff
Revises: 931268ec6010
Create Date: 2026-11-23 13:49:19.730810
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import o2o.orm

revision: str = 'febefa0566ff'
down_revision: str | None = '931268ec6010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('promotions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('starts_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('ends_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requires_coupon', sa.Boolean(), nullable=False),
    sa.Column('usage_limit', sa.Integer(), nullable=True),
    sa.Column('per_customer_limit', sa.Integer(), nullable=True),
    sa.Column('budget', sa.BigInteger(), nullable=True),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('spent', sa.BigInteger(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('budget IS NULL OR spent <= budget', name=op.f('ck_promotions_spent_within_budget')),
    sa.CheckConstraint('usage_limit IS NULL OR uses <= usage_limit', name=op.f('ck_promotions_uses_within_limit')),
    sa.CheckConstraint('uses >= 0', name=op.f('ck_promotions_uses_not_negative')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_promotions_created_by_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_promotions_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotions'))
    )
    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.create_index('ix_promotions_merchant_active', ['merchant_id', 'is_active'], unique=False)

    op.create_table('coupon_batches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('promotion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_coupon_batches_created_by_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_coupon_batches_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_coupon_batches_promotion_id_promotions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupon_batches'))
    )
    with op.batch_alter_table('coupon_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupon_batches_promotion_id'), ['promotion_id'], unique=False)

    op.create_table('promotion_customer_uses',
    sa.Column('promotion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_promotion_customer_uses_customer_id_users')),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_promotion_customer_uses_promotion_id_promotions')),
    sa.PrimaryKeyConstraint('promotion_id', 'customer_id', name=op.f('pk_promotion_customer_uses'))
    )
    op.create_table('coupons',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('promotion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('max_uses', sa.Integer(), nullable=True),
    sa.Column('uses', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('max_uses IS NULL OR uses <= max_uses', name=op.f('ck_coupons_uses_within_max')),
    sa.ForeignKeyConstraint(['batch_id'], ['coupon_batches.id'], name=op.f('fk_coupons_batch_id_coupon_batches')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_coupons_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_coupons_promotion_id_promotions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coupons')),
    sa.UniqueConstraint('merchant_id', 'code', name=op.f('uq_coupons_merchant_id_code'))
    )
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coupons_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_coupons_promotion_id'), ['promotion_id'], unique=False)

    op.create_table('promotion_redemptions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('promotion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('coupon_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['coupon_id'], ['coupons.id'], name=op.f('fk_promotion_redemptions_coupon_id_coupons')),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_promotion_redemptions_customer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_promotion_redemptions_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_promotion_redemptions_order_id_orders')),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_promotion_redemptions_promotion_id_promotions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promotion_redemptions'))
    )
    with op.batch_alter_table('promotion_redemptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_redemptions_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_promotion_redemptions_promotion', ['promotion_id', 'id'], unique=False)

    with op.batch_alter_table('checkouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coupon_codes', sa.JSON(), nullable=True))

    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('adjustments', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_column('adjustments')

    with op.batch_alter_table('checkouts', schema=None) as batch_op:
        batch_op.drop_column('coupon_codes')

    with op.batch_alter_table('promotion_redemptions', schema=None) as batch_op:
        batch_op.drop_index('ix_promotion_redemptions_promotion')
        batch_op.drop_index(batch_op.f('ix_promotion_redemptions_order_id'))

    op.drop_table('promotion_redemptions')
    with op.batch_alter_table('coupons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupons_promotion_id'))
        batch_op.drop_index(batch_op.f('ix_coupons_batch_id'))

    op.drop_table('coupons')
    op.drop_table('promotion_customer_uses')
    with op.batch_alter_table('coupon_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coupon_batches_promotion_id'))

    op.drop_table('coupon_batches')
    with op.batch_alter_table('promotions', schema=None) as batch_op:
        batch_op.drop_index('ix_promotions_merchant_active')

    op.drop_table('promotions')
