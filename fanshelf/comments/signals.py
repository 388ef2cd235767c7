"""What the comments app tells others (the inbox connects to these; comments never imports the inbox).

The first two are sent after the transaction commits, with `comment` as the only argument: a receiver sees the
comment as saved and may send mail without holding the write lock.
"""

from __future__ import annotations

from django.dispatch import Signal

# A comment was posted; it may be held (comment.status == "held") when the work's comments wait for approval.
comment_posted = Signal()
# A held comment was approved by a creator and is now published.
comment_approved = Signal()
# Sent inside post_comment's transaction, before the two above (comment): the spam app scores the comment there and
# may hold it (comments.actions.set_spam) before anyone hears of it or counts it.
comment_submitted = Signal()
