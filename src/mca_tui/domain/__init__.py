"""The domain core: pure Python rules of the registration and supervision of social
organizations (社会组织). Nothing here imports textual, rich or sqlalchemy."""
