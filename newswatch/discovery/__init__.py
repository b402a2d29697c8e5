"""newswatch.discovery"""
