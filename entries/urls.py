from django.urls import path

from entries import views
from entries.caching import cached_for_readers
from entries.feeds import LatestEntriesFeed

app_name = "entries"
urlpatterns = [
    path("", views.index, name="index"),
    path("entries/<int:pk>/", views.detail, name="detail"),
    path("entries/<int:pk>/edit/", views.edit, name="edit"),
    path("add", views.add, name="add"),
    path("delete/<int:pk>", views.delete, name="delete"),
    path("login", views.LoginView.as_view(), name="login"),
    path("logout", views.logout, name="logout"),
    path("search/", views.search, name="search"),
    path("feed/", cached_for_readers()(LatestEntriesFeed()), name="feed"),
    path("healthz", views.healthz, name="healthz"),
]
