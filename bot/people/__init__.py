"""People (联系人): binding contacts and chats to units and roles, onboarding, the address book."""
