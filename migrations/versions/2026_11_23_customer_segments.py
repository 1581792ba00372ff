"""customer segments: lists and rules, and the segments promotions are for

Revision ID: aac89ed1252d
Revises: fe562b29a23c
Create Date: 2026-11-23 16:05:10.063933
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import o2o.orm

revision: str = 'aac89ed1252d'
down_revision: str | None = 'fe562b29a23c'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('customer_segments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('list', 'rule', name='segmentkind', native_enum=False, length=24), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', o2o.orm.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_customer_segments_created_by_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_customer_segments_merchant_id_merchants')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_segments')),
    sa.UniqueConstraint('merchant_id', 'name', name=op.f('uq_customer_segments_merchant_id_name'))
    )
    op.create_table('customer_segment_members',
    sa.Column('segment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('customer_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('added_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('added_at', o2o.orm.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['users.id'], name=op.f('fk_customer_segment_members_added_by_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_customer_segment_members_customer_id_users')),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_customer_segment_members_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['segment_id'], ['customer_segments.id'], name=op.f('fk_customer_segment_members_segment_id_customer_segments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('segment_id', 'customer_id', name=op.f('pk_customer_segment_members'))
    )
    op.create_table('promotion_segments',
    sa.Column('promotion_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('segment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('merchant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['merchant_id'], ['merchants.id'], name=op.f('fk_promotion_segments_merchant_id_merchants')),
    sa.ForeignKeyConstraint(['promotion_id'], ['promotions.id'], name=op.f('fk_promotion_segments_promotion_id_promotions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['segment_id'], ['customer_segments.id'], name=op.f('fk_promotion_segments_segment_id_customer_segments')),
    sa.PrimaryKeyConstraint('promotion_id', 'segment_id', name=op.f('pk_promotion_segments'))
    )
    with op.batch_alter_table('promotion_segments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_promotion_segments_segment_id'), ['segment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('promotion_segments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_promotion_segments_segment_id'))

    op.drop_table('promotion_segments')
    op.drop_table('customer_segment_members')
    op.drop_table('customer_segments')
