package tui
import (
 _ "github.com/charmbracelet/bubbletea"
 _ "github.com/charmbracelet/bubbles/help"
 _ "github.com/charmbracelet/lipgloss"
 _ "github.com/sahilm/fuzzy"
 _ "github.com/charmbracelet/x/exp/teatest"
)
