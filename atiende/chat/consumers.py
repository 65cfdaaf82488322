"""Websockets of the live chat: the visitor's conversation and the agents' desk."""

from __future__ import annotations

import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from atiende.accounts.roles import is_staff_member
from atiende.chat import conversations as chat
from atiende.chat.models import ChatMessage, Conversation

CLOSE_NOT_FOUND = 4404
CLOSE_FORBIDDEN = 4403
# A visitor may send this many messages per window; more are refused, not stored.
BURST = 10
BURST_SECONDS = 10.0


def _history(conversation: Conversation) -> list[dict[str, Any]]:
    return [
        chat.message_data(m)
        for m in conversation.messages.select_related("author").order_by("created_at", "pk")
    ]


class VisitorConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/chat/<token>/``: whoever holds the conversation's token."""

    conversation: Conversation
    sent: list[float]

    def _flooding(self) -> bool:
        now = time.monotonic()
        self.sent = [t for t in getattr(self, "sent", []) if now - t < BURST_SECONDS]
        self.sent.append(now)
        return len(self.sent) > BURST

    async def connect(self) -> None:
        token = self.scope["url_route"]["kwargs"]["token"]
        found = await database_sync_to_async(
            lambda: Conversation.objects.filter(token=token).first()
        )()
        if found is None:
            # Accepted, then closed with a code: a browser holding a stale key
            # learns the conversation is gone (a refused handshake only says 1006).
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.conversation = found
        await self.channel_layer.group_add(found.group, self.channel_name)
        await self.accept()
        history = await database_sync_to_async(_history)(found)
        await self.send_json({"type": "history", "status": found.status, "messages": history})

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "conversation"):
            await self.channel_layer.group_discard(self.conversation.group, self.channel_name)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        kind = content.get("type")
        try:
            if kind == "message":
                if self._flooding():
                    language = self.conversation.language
                    with translation.override(language):
                        detail = _("Too many messages at once; wait a moment.")
                    await self.send_json({"type": "error", "detail": detail})
                    return
                await database_sync_to_async(chat.post)(
                    self.conversation,
                    sender=ChatMessage.Sender.VISITOR,
                    author=self.conversation.user,
                    body=str(content.get("body", "")),
                    now=timezone.now(),
                )
            elif kind == "end":
                await database_sync_to_async(chat.end)(
                    self.conversation, by=None, now=timezone.now()
                )
        except chat.ChatError as error:
            await self.send_json({"type": "error", "detail": str(error)})

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "message", "message": event["message"]})

    async def chat_status(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "status", "status": event["status"]})


def _desk_state(agent: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "status": c.status,
            "visitor": c.visitor_name,
            "email": c.visitor_email,
            "organisation": c.organisation.name if c.organisation else "",
            "department": str(c.department),
            "mine": c.agent_id == agent.pk,
            "started_at": c.started_at.isoformat(),
        }
        for c in chat.conversations_for_agent(agent)
    ]


class DeskConsumer(AsyncJsonWebsocketConsumer):
    """``/ws/chat/consola/``: an agent's live list of conversations, and the ones they attend."""

    agent: Any
    joined: set[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        allowed = (
            user is not None
            and user.is_authenticated
            and await database_sync_to_async(is_staff_member)(user)
        )
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.agent = user
        self.joined = set()
        await self.channel_layer.group_add(chat.DESK_GROUP, self.channel_name)
        await self.accept()
        await self.desk_changed({})

    async def disconnect(self, code: int) -> None:
        for group in [chat.DESK_GROUP, *getattr(self, "joined", ())]:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def _conversation(self, content: dict[str, Any]) -> Conversation | None:
        try:
            pk = int(content.get("conversation", 0))
        except (TypeError, ValueError):
            return None
        conversation = await database_sync_to_async(
            lambda: Conversation.objects.filter(pk=pk).first()
        )()
        if conversation is None:
            return None
        allowed = await database_sync_to_async(chat.may_join)(self.agent, conversation)
        return conversation if allowed else None

    async def _open(self, conversation: Conversation) -> None:
        if conversation.group not in self.joined:
            await self.channel_layer.group_add(conversation.group, self.channel_name)
            self.joined.add(conversation.group)
        history = await database_sync_to_async(_history)(conversation)
        await self.send_json(
            {
                "type": "conversation",
                "conversation": conversation.pk,
                "status": conversation.status,
                "messages": history,
            }
        )

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        language = getattr(self.agent, "language", "") or "es"
        with translation.override(language):
            conversation = await self._conversation(content)
            if conversation is None:
                detail = _("That conversation does not exist or is not yours.")
                await self.send_json({"type": "error", "detail": detail})
                return
            try:
                await self._act(str(content.get("type")), conversation, content)
            except chat.ChatError as error:
                await self.send_json({"type": "error", "detail": str(error)})

    async def _act(self, kind: str, conversation: Conversation, content: dict[str, Any]) -> None:
        now = timezone.now()
        if kind == "accept":
            conversation = await database_sync_to_async(chat.accept)(
                conversation, agent=self.agent, now=now
            )
            await self._open(conversation)
        elif kind == "open":
            await self._open(conversation)
        elif kind == "message":
            await database_sync_to_async(chat.post)(
                conversation,
                sender=ChatMessage.Sender.AGENT,
                author=self.agent,
                body=str(content.get("body", "")),
                now=now,
            )
        elif kind == "end":
            ended = await database_sync_to_async(chat.end)(conversation, by=self.agent, now=now)
            number = await database_sync_to_async(lambda: ended.ticket.display_number)()
            await self.send_json({"type": "ended", "conversation": ended.pk, "ticket": number})

    async def desk_changed(self, event: dict[str, Any]) -> None:
        state = await database_sync_to_async(_desk_state)(self.agent)
        await self.send_json({"type": "desk", "conversations": state})

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "message", "message": event["message"], **_which(event)})

    async def chat_status(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "status", "status": event["status"], **_which(event)})


def _which(event: dict[str, Any]) -> dict[str, Any]:
    return {"conversation": event.get("conversation")}
